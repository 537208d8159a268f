/**
 * Model selection: grids and random searches over the stages of an {@link
 * org.beamlink.transforms.pipeline.MlPipeline} ({@link org.beamlink.transforms.tuning.ParamGrid},
 * {@link org.beamlink.transforms.tuning.RandomSearch}), scored by {@link
 * org.beamlink.transforms.tuning.CrossValidation} or {@link
 * org.beamlink.transforms.tuning.TrainValidationSplit} with a {@link
 * org.beamlink.transforms.tuning.TuningMetric}, every candidate and fold in one Beam pipeline: a
 * linear model whose candidates share their data in one loop of the iteration shim, anything else
 * as parallel branches.
 */
package org.beamlink.transforms.tuning;
