/**
 * Users and tokens: PBKDF2 password hashes, HS256 JWTs, the login endpoint with its throttle, and
 * the one route guard ({@code AuthHandler}) that checks a token and a user's role. Uses the web
 * toolkit, {@code db} and {@code config}; imports no other feature.
 */
package io.callstream.auth;
