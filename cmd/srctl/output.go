package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"go.yaml.in/yaml/v3"
)

// Output formats of -o.
const (
	outputTable = "table"
	outputJSON  = "json"
	outputYAML  = "yaml"
)

// show writes v to stdout in the output format asked for: as JSON or YAML
// (fields in the order JSON encoding gives them), or, for tables, as table
// writes it.
func (a *app) show(v any, table func(t *tableOut)) error {
	switch a.output {
	case outputJSON:
		data, err := marshalJSON(v, "  ")
		if err != nil {
			return err
		}
		_, err = a.stdout.Write(data)
		return err
	case outputYAML:
		data, err := toYAML(v)
		if err != nil {
			return err
		}
		_, err = a.stdout.Write(data)
		return err
	}
	t := &tableOut{out: a.stdout, rows: tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)}
	table(t)
	return t.rows.Flush()
}

// tableOut writes the table form of a result: rows whose columns are
// aligned, and free text between them.
type tableOut struct {
	out  io.Writer
	rows *tabwriter.Writer
}

// row writes one row of aligned cells.
func (t *tableOut) row(cells ...string) {
	fmt.Fprintln(t.rows, strings.Join(cells, "\t"))
}

// text writes the rows so far and then s as it is.
func (t *tableOut) text(format string, args ...any) {
	t.rows.Flush()
	fmt.Fprintf(t.out, format, args...)
}

// marshalJSON encodes v as JSON with <, > and & kept as they are, indented
// with indent unless it is "", and ending with a newline.
func marshalJSON(v any, indent string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// toYAML writes v as block-style YAML. It goes through JSON, which keeps
// the field order and names of the JSON output and embedded raw JSON.
func toYAML(v any) ([]byte, error) {
	data, err := marshalJSON(v, "")
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	blockStyle(&doc)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// blockStyle drops the flow style and quoting JSON parsing gives the
// nodes, so that the encoder picks YAML's readable styles (it still quotes
// strings that would read as another type).
func blockStyle(n *yaml.Node) {
	n.Style = 0
	for _, c := range n.Content {
		blockStyle(c)
	}
}

// progress reports how far a long export or import has got, on stderr.
type progress struct {
	w           io.Writer
	what        string // the items and what is done with them
	done, total int
}

// progressEvery is how many items pass between two progress lines.
const progressEvery = 100

// newProgress starts reporting on total items, named by what (e.g.
// "exported versions"); nothing is shown with --quiet.
func (a *app) newProgress(what string, total int) *progress {
	w := a.stderr
	if a.quiet {
		w = io.Discard
	}
	return &progress{w: w, what: what, total: total}
}

// step counts one item done, showing a line every progressEvery items and
// at the last one.
func (p *progress) step() {
	p.done++
	if p.done%progressEvery == 0 || p.done == p.total {
		fmt.Fprintf(p.w, "%s: %d/%d\n", p.what, p.done, p.total)
	}
}
