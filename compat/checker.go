package compat

import "github.com/goschemaregistry/registry/formats"

// Checker holds the compatibility rules of one schema type.
type Checker interface {
	// Incompatibilities lists the reasons why data written with writer cannot
	// be read with reader, in the order Confluent reports them. It returns
	// nothing when reader can read everything writer can write. Both schemas
	// are of the checker's schema type.
	Incompatibilities(reader, writer formats.Schema) []Incompatibility
}

// Incompatibility is one reason why a reader schema cannot read data written
// with a writer schema.
type Incompatibility interface {
	// Message words the reason as Confluent does, naming the reader and the
	// writer schema by their roles in the check ("new" or "old").
	Message(readerRole, writerRole string) string
}

// checkers holds the rules of each schema type, by the type's API name. A
// schema type without an entry cannot evolve: every check of it fails.
var checkers = map[string]Checker{
	formats.TypeAvro:     avroChecker{},
	formats.TypeProtobuf: protobufChecker{},
	formats.TypeJSON:     jsonChecker{},
}
