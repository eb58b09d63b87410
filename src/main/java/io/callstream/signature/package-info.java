/**
 * ElevenLabs' webhook signature scheme, a toolkit at the bottom: the header's name and the HMAC
 * that produces it. The webhook role verifies with it, demo mode's simulator signs with it. Imports
 * nothing of callstream.
 */
package io.callstream.signature;
