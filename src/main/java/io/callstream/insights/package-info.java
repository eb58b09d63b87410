/**
 * Insights (docs/insights.md): the fleet's calls over a range of days, counted in SQL and served as
 * one JSON report ({@code GET /insights}) that the console draws as charts. Reads {@code calls}
 * only and writes nothing (the table's owner is call/CallRepository); takes the status values from
 * {@code call.Call}. Uses the web toolkit, {@code failure}, {@code db} (SQLSTATEs) and {@code auth}
 * (route guard).
 */
package io.callstream.insights;
