/**
 * Test helpers that behave like a network does to a reader: deliver the same bytes cut at other
 * places. Used by the fuzz targets of the stream parsers (docs/fuzzing.md).
 */
package org.spfgate.testnet;
