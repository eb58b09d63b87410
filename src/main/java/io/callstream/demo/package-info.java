/**
 * Demo mode (ELEVENLABS_API_URL=simulator): an in-process ElevenLabs simulator that dials back
 * through the public webhooks (signed with {@code signature}), and the seeded demo users and
 * drivers. Uses {@code config} and {@code signature}, and seeds through the owners of the tables it
 * fills ({@code auth.UserRepository}, {@code driver.DriverRepository}); no other feature: the
 * assembly hands it the users' password hash.
 */
package io.callstream.demo;
