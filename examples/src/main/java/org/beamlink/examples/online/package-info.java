/**
 * Streaming training jobs of the command line ({@code beamlink online}): FTRL on generated click
 * events ({@link org.beamlink.examples.online.ClickFtrl}), every model version written once to its
 * own file ({@link org.beamlink.examples.online.WriteVersionFiles}).
 */
package org.beamlink.examples.online;
