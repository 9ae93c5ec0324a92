package io.pekkoshm.multijvm.nodes;

/** Marker for test messages serialized with Pekko's Jackson serializer (bound in the tests' application.conf). */
public interface JsonMessage
{
}
