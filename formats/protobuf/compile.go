package protobuf

import (
	"context"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/reporter"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	// The well-known types Confluent resolves without references.
	_ "google.golang.org/protobuf/types/known/anypb"
	_ "google.golang.org/protobuf/types/known/apipb"
	_ "google.golang.org/protobuf/types/known/durationpb"
	_ "google.golang.org/protobuf/types/known/emptypb"
	_ "google.golang.org/protobuf/types/known/fieldmaskpb"
	_ "google.golang.org/protobuf/types/known/sourcecontextpb"
	_ "google.golang.org/protobuf/types/known/structpb"
	_ "google.golang.org/protobuf/types/known/timestamppb"
	_ "google.golang.org/protobuf/types/known/typepb"
	_ "google.golang.org/protobuf/types/known/wrapperspb"
)

// builtinFiles holds the .proto texts of the files Confluent bundles
// besides the well-known types: its own and Google's common types.
//
//go:embed builtin/confluent builtin/google
var builtinFiles embed.FS

// wellKnownFiles are the google/protobuf files Confluent resolves without
// references (ProtobufSchema.KNOWN_DEPENDENCIES), compiled into the Go
// protobuf runtime.
var wellKnownFiles = []string{
	"google/protobuf/any.proto",
	"google/protobuf/api.proto",
	"google/protobuf/descriptor.proto",
	"google/protobuf/duration.proto",
	"google/protobuf/empty.proto",
	"google/protobuf/field_mask.proto",
	"google/protobuf/source_context.proto",
	"google/protobuf/struct.proto",
	"google/protobuf/timestamp.proto",
	"google/protobuf/type.proto",
	"google/protobuf/wrappers.proto",
}

// knownFile is a file schemas may import without a reference.
type knownFile struct {
	desc protoreflect.FileDescriptor
	// elem is the file as Confluent sees it: converted from its descriptor.
	elem *fileElement
}

// known holds the files schemas may import without a reference, by path;
// they are compiled once, on first use.
var known = sync.OnceValues(loadKnownFiles)

func loadKnownFiles() (map[string]*knownFile, error) {
	files := make(map[string]*knownFile)
	for _, path := range wellKnownFiles {
		d, err := protoregistry.GlobalFiles.FindFileByPath(path)
		if err != nil {
			return nil, err
		}
		files[path] = &knownFile{desc: d}
	}
	var paths []string
	err := fs.WalkDir(builtinFiles, "builtin", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".proto") {
			paths = append(paths, strings.TrimPrefix(path, "builtin/"))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	compiler := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
			Accessor: func(path string) (io.ReadCloser, error) {
				return builtinFiles.Open("builtin/" + path)
			},
		}),
	}
	compiled, err := compiler.Compile(context.Background(), paths...)
	if err != nil {
		return nil, err
	}
	for _, d := range compiled {
		files[d.Path()] = &knownFile{desc: d}
	}
	for _, f := range files {
		if f.elem, err = fileFromDescriptor(protodesc.ToFileDescriptorProto(f.desc)); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// source is one file to compile: its text, or its descriptor when it was
// given as a serialized FileDescriptorProto.
type source struct {
	text  string
	proto *descriptorpb.FileDescriptorProto
}

// mainFile is the name the parsed schema is compiled under. It is not an
// import path, so no dependency can clash with it, and its errors read
// ":line:column: what", as Wire's do.
const mainFile = ""

// compile links the schema with its dependencies and the known files.
// deps are the referenced files by import path; they take precedence over
// the known files, as Confluent's references do. With lenient set, an
// import that resolves nowhere is compiled as an empty file, since
// Confluent ignores imports it cannot resolve in schemas it already
// stored.
func compile(main source, deps map[string]source, lenient bool) (file protoreflect.FileDescriptor, err error) {
	knownFiles, err := known()
	if err != nil {
		return nil, fmt.Errorf("bundled files: %w", err)
	}
	find := func(path string) (protocompile.SearchResult, error) {
		src, ok := deps[path]
		if path == mainFile {
			src, ok = main, true
		}
		switch {
		case ok && src.proto != nil:
			return protocompile.SearchResult{Proto: src.proto}, nil
		case ok:
			return protocompile.SearchResult{Source: strings.NewReader(src.text)}, nil
		}
		if f, ok := knownFiles[path]; ok {
			return protocompile.SearchResult{Desc: f.desc}, nil
		}
		if lenient {
			return protocompile.SearchResult{Proto: &descriptorpb.FileDescriptorProto{Name: &path}}, nil
		}
		return protocompile.SearchResult{}, fmt.Errorf("import %q not found: no reference has that name and no bundled file that path", path)
	}
	compiler := protocompile.Compiler{
		Resolver:       protocompile.WithStandardImports(protocompile.ResolverFunc(find)),
		MaxParallelism: 1,
		Reporter: reporter.NewReporter(func(err reporter.ErrorWithPos) error {
			return err
		}, nil),
	}
	defer func() {
		if v := recover(); v != nil {
			file, err = nil, fmt.Errorf("protobuf compiler failed: %v", v)
		}
	}()
	files, err := compiler.Compile(context.Background(), mainFile)
	if err != nil {
		return nil, err
	}
	return files[0], nil
}
