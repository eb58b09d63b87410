/**
 * The domain's refusals ({@code Failure} and its kinds: invalid, unauthenticated, not found...), at
 * the very bottom: pure code fails with them without knowing about HTTP; the web toolkit maps kinds
 * to statuses.
 */
package io.callstream.failure;
