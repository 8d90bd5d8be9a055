// Package jsontree reads and writes JSON as Jackson's tree model sees it, for
// the schema formats that must agree with Confluent byte for byte. Go's
// encoding/json loses what they depend on: the order of object members,
// duplicate member names (the last value wins and keeps the place of the
// first) and the exact spelling of number literals. The formats differ in
// how Jackson is configured for them, so the parser takes Options, and each
// format builds its own tree through a Builder.
package jsontree
