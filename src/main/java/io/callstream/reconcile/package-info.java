/**
 * The reconciler (issue 13): on one node at a time, chosen by a PostgreSQL advisory lock on a
 * dedicated connection, it fetches the conversations of stuck calls from ElevenLabs and applies
 * them through the call domain's backfill, fails calls whose start never got a conversation id,
 * applies parked inbox events whose call now exists, and (DATA_RETENTION_DAYS) purges old ended
 * calls with their recordings and applied inbox rows. Uses {@code call} (backfill, completions, the
 * calls' owner {@code CallRepository}, the {@code ParkedEvents} interface, metrics), the
 * recordings' owner {@code audio.AudioRepository}, {@code events}, {@code config}, {@code failure};
 * never imports {@code webhook} or {@code live}: the assembly ({@code app.ReconcilerVerticle})
 * hands it the inbox as {@code ParkedEvents}. It owns no table and holds no SQL but its advisory
 * lock.
 */
package io.callstream.reconcile;
