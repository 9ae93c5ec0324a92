/**
 * Logging the plugin's components share: {@link io.pekkoshm.remote.log.ErrorLog} records each distinct error,
 * logs its first occurrence in full and summarizes its repeats, so an error that recurs on every message neither
 * floods the log nor goes unnoticed. Depends on no other package of the plugin.
 */
package io.pekkoshm.remote.log;
