/**
 * Model streams: {@link org.beamlink.models.online.ModelVersion} is one version of a model as an
 * online trainer emits it (number, examples seen, event-time range, source), for prediction that
 * picks up each new version as it arrives.
 */
package org.beamlink.models.online;
