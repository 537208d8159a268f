package org.beamlink.models.recommendation;

/**
 * One recommended item for a user (or user for an item): its id and the predicted rating.
 *
 * <pre>{@code
 * List<Recommendation> top = model.recommendItems(42L, 10, Set.of());
 * long best = top.get(0).id();
 * }</pre>
 *
 * @param id the recommended item (or user)
 * @param rating the predicted rating, the dot product of the two factors
 */
public record Recommendation(long id, double rating) {}
