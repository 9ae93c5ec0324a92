/**
 * The binary layouts nodes of one host exchange: one flyweight per layout, each drawn once in its Javadoc and used by
 * both the writer and the reader.
 * <pre>
 *   in a node's IPC stream (wire version {@link io.pekkoshm.remote.wire.FrameHeaderFlyweight#VERSION}):
 *     FrameHeaderFlyweight        8 bytes that start every frame: version, type, flags, argument
 *     HelloFlyweight              body of HELLO / HELLO_ACK: the sender's identity (then a 32-byte proof)
 *     BatchRecordFlyweight        each record of a BATCH frame: length, type, body (a BLOB record: a BLOB frame)
 *     BlobDescriptorFlyweight     body of a BLOB frame: block id, generation, length
 *     DirectEnvelopeFlyweight     body of a DIRECT frame: recipient, sender, serializer, manifest, payload
 *     ChunkFlyweight              body of a CHUNK frame: the body's length, the piece's place, the piece
 *   in shared memory files and inside messages (their own version each):
 *     BlobHeaderFlyweight         the header page of a blob block file
 *     SharedBlobDescriptorFlyweight  the serialized form of a SharedBlob
 * </pre>
 * A flyweight holds no data: {@code wrap(buffer, offset)} points it at a layout, typed getters and setters read and
 * write the fields in place (little-endian, except the blob block header's native-order state word). Wrapping a
 * read-only {@link org.agrona.DirectBuffer} gives a reader; its setters fail. Bytes from a peer are not trusted: the
 * reader checks lengths against what it got before it follows them ({@code validate}, the direct envelope's
 * {@code check} methods, or the decoder's checks); bytes that break a layout are a
 * {@link io.pekkoshm.remote.wire.MalformedFrameException}, which ends the association that sent them.
 *
 * <h2>Versions</h2>
 * <ul>
 *   <li><b>One wire version per stream.</b> The frame header's version byte is the wire version, and it covers every
 *   layout carried in the stream (frame header, hello body, batch record, blob descriptor, direct envelope). Bytes 0
 *   (version) and 1 (type) of a frame keep their place and meaning in every version, so a node can always tell
 *   which version a peer speaks, and whether the frame is a handshake. The blob block header and the shared blob
 *   descriptor carry their own version, under the same rule.</li>
 *   <li><b>A node speaks exactly its own version.</b> A handshake (HELLO or HELLO_ACK) of another version, older or
 *   newer, is refused: counted in {@code frames rejected}, no association, and a warning once per session naming
 *   both versions and the remedy. The peer's own attempt fails after its {@code handshake-timeout}. A frame of
 *   another version on an open association ends that association, the log naming both versions. A blob block of
 *   another version is not read (the BLOB frame that named it ends the association); a shared blob descriptor of
 *   another version fails the deserialization of its one message (logged and dropped by classic remoting).</li>
 *   <li><b>Upgrade a host all at once.</b> There is no negotiation down to an older version: the nodes of a host share
 *   one media driver and one directory, so they run one plugin version. Stop every node of the host (the driver exits
 *   after {@code driver.idle-timeout}), then start them on the new version. Across hosts (cross-host), hosts upgraded
 *   one at a time meet nodes of the other version: keep the wire version, and add only what the next rule allows (as
 *   CHUNK frames, sent only to a peer whose handshake carries {@link
 *   io.pekkoshm.remote.wire.FrameHeaderFlyweight#FLAG_CHUNKS}).</li>
 *   <li><b>Compatible additions, without a new version.</b> (1) A new capability is announced by a flag bit in HELLO
 *   and HELLO_ACK, as {@link io.pekkoshm.remote.wire.FrameHeaderFlyweight#FLAG_DIRECT} announces DIRECT frames: a
 *   node ignores flag bits it does not know, and sends a new frame type, batch record type or use of reserved bytes
 *   only to a peer whose handshake announced it, because a receiver rejects what it does not know (an unknown frame
 *   or record type, non-zero reserved bytes) and ends the association. (2) New identity fields may follow the host
 *   name in the hello body: a reader takes what it knows and ignores the rest up to the proof. Anything else (a field
 *   moved, resized or given another meaning) is a new version.</li>
 * </ul>
 */
package io.pekkoshm.remote.wire;
