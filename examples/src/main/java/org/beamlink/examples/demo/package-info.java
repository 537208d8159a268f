/**
 * End-to-end showcases behind {@code beamlink demo}: text classification on the SpamAssassin corpus
 * ({@link org.beamlink.examples.demo.TextDemo}) and online learning on a click stream ({@link
 * org.beamlink.examples.demo.CtrDemo}, with its events {@link
 * org.beamlink.examples.demo.ClickEvents}).
 */
package org.beamlink.examples.demo;
