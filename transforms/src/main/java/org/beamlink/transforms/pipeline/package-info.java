/**
 * Pipelines of stages ({@link org.beamlink.transforms.pipeline.MlPipeline}), applying models to
 * rows, bounded or unbounded, model files, and bringing a pipeline's one result (metrics, a model)
 * back to the program that runs it ({@link org.beamlink.transforms.pipeline.SingletonResult}).
 */
package org.beamlink.transforms.pipeline;
