-- The stream TwiML an inbound call was answered with: a replayed or duplicate Twilio voice webhook for a live call
-- gets the same answer from here instead of a second ElevenLabs register-call (issue 19, defect 8).
-- Expand-only: old nodes neither read nor write it.
ALTER TABLE calls ADD COLUMN inbound_answer text;
