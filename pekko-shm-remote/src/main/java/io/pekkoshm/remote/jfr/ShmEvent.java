package io.pekkoshm.remote.jfr;

import jdk.jfr.Category;
import jdk.jfr.Event;
import jdk.jfr.StackTrace;

/**
 * What every event of the plugin shares: its categories, and no stack trace (the events say where they come from by
 * their type; a stack trace per event would cost more than the event).
 */
@Category({ "Pekko", "Remoting", "Shared memory" })
@StackTrace(false)
abstract class ShmEvent extends Event
{
}
