package protobuf

import (
	"slices"
	"strings"
)

// confluentPrefix starts the names of Confluent's own options, which the
// ignore_extensions format keeps.
const confluentPrefix = "confluent."

// filterOptions returns the options to write: without custom options for
// ignore_extensions; for the normalized text, custom option names
// resolved to full names, options sorted by name, and the settings of one
// non-repeated custom option merged into a single message value, as
// Confluent's FormatContext.filterOptions does.
func (p *printer) filterOptions(options []*option) []*option {
	if len(options) == 0 {
		return options
	}
	if p.mode.ignoreExtensions || p.mode.withoutCustomOptions {
		options = slices.DeleteFunc(slices.Clone(options), func(o *option) bool {
			return o.parenthesized && (p.mode.withoutCustomOptions || !strings.HasPrefix(o.name, confluentPrefix))
		})
	}
	if !p.mode.normalize {
		return options
	}
	resolved := make([]*option, len(options))
	for i, o := range options {
		resolved[i] = o
		if o.parenthesized {
			if name := p.scope.resolveExtend(o.name); name != "" {
				resolved[i] = transform(&option{name: name, kind: o.kind, value: o.value, parenthesized: true})
			}
		}
	}
	slices.SortStableFunc(resolved, func(a, b *option) int { return strings.Compare(a.name, b.name) })
	var result []*option
	for start := 0; start < len(resolved); {
		end := start + 1
		for end < len(resolved) && resolved[end].name == resolved[start].name {
			end++
		}
		group := resolved[start:end]
		if field := p.scope.index.extendNamed(strings.TrimPrefix(group[0].name, ".")); field != nil && field.label != labelRepeated {
			merged := group[0]
			for _, o := range group[1:] {
				merged = p.mergeOption(field, merged, o)
			}
			result = append(result, merged)
		} else {
			result = append(result, group...)
		}
		start = end
	}
	return result
}

// transform turns `(name).sub = v` into `(name) = {sub: v}`.
func transform(o *option) *option {
	if o.kind != kindOption {
		return o
	}
	return &option{name: o.name, kind: kindMap, value: optionAsMap(o), parenthesized: o.parenthesized}
}

// optionAsMap is the one-entry message value of an option of kindOption.
func optionAsMap(o *option) *optionMap {
	inner := o.value.(*option)
	var value any
	switch inner.kind {
	case kindBoolean, kindEnum, kindNumber:
		value = primitive{inner.kind, inner.value.(string)}
	case kindOption:
		value = optionAsMap(inner)
	default:
		value = inner.value
	}
	m := newOptionMap()
	m.put(inner.name, value)
	return m
}

// mergeOption merges two settings of a non-repeated custom option whose
// extension field is field.
func (p *printer) mergeOption(field *fieldElement, existing, replacement *option) *option {
	replacement = transform(replacement)
	if existing.kind != kindMap || replacement.kind != kindMap {
		return replacement
	}
	merged := p.mergeMaps(field, existing.value.(*optionMap), replacement.value.(*optionMap))
	return &option{name: replacement.name, kind: kindMap, value: merged, parenthesized: replacement.parenthesized}
}

// mergeMaps merges two message values of field's type: singular fields
// take the later value (or merge, for messages), others collect values.
// Like Confluent, field types are looked up from the scope being printed.
func (p *printer) mergeMaps(container *fieldElement, existing, replacement *optionMap) *optionMap {
	message := p.messageType(container)
	merged := existing.clone()
	for _, key := range replacement.keys {
		value := replacement.values[key]
		previous, ok := merged.get(key)
		if !ok {
			merged.put(key, value)
			continue
		}
		var field *fieldElement
		if message != nil {
			field = findMessageField(message, key)
		}
		merged.put(key, p.mergeValues(field, previous, value))
	}
	return merged
}

func (p *printer) mergeValues(field *fieldElement, v1, v2 any) any {
	singular := field != nil && field.label != labelRepeated
	m1, ok1 := v1.(*optionMap)
	m2, ok2 := v2.(*optionMap)
	if singular && ok1 && ok2 && p.messageType(field) != nil {
		return p.mergeMaps(field, m1, m2)
	}
	if singular {
		return v2
	}
	return unionValues(v1, v2)
}

// unionValues lists the values of v1 and v2 (lists flattened) without
// repeats, as a LinkedHashSet would.
func unionValues(values ...any) []any {
	var union []any
	for _, v := range values {
		for _, item := range appendToList(nil, v) {
			if !slices.ContainsFunc(union, func(u any) bool { return valuesEqual(u, item) }) {
				union = append(union, item)
			}
		}
	}
	return union
}

// messageType is the message a field's type names, resolved from the
// current scope.
func (p *printer) messageType(field *fieldElement) *messageElement {
	if field == nil {
		return nil
	}
	if info := p.scope.typeOf(field.typ); info != nil {
		m, _ := info.elem.(*messageElement)
		return m
	}
	return nil
}

func findMessageField(m *messageElement, name string) *fieldElement {
	if f := findField(m.fields, name); f != nil {
		return f
	}
	for _, o := range m.oneOfs {
		if f := findField(o.fields, name); f != nil {
			return f
		}
	}
	return nil
}

// normalizedMap sorts a message value by key for the normalized text,
// dropping empty lists and resolving [extension] keys.
func (p *printer) normalizedMap(m *optionMap) *optionMap {
	sorted := newOptionMap()
	for _, key := range m.keys {
		value := m.values[key]
		if list, ok := value.([]any); ok && len(list) == 0 {
			continue
		}
		if inner, ok := strings.CutPrefix(key, "["); ok && strings.HasSuffix(inner, "]") {
			if name := p.scope.resolveExtend(inner[:len(inner)-1]); name != "" {
				key = "[" + name + "]"
			}
		}
		if _, ok := sorted.get(key); !ok {
			sorted.put(key, value)
		}
	}
	slices.Sort(sorted.keys)
	return sorted
}

// mergedOptions is Confluent's ProtobufSchema.mergeOptions: options by
// name (a leading dot dropped), repeated settings of a message option
// merged and others replaced by the last.
func mergedOptions(options []*option) map[string]*option {
	merged := make(map[string]*option, len(options))
	for _, o := range options {
		name := strings.TrimPrefix(o.name, ".")
		o = transform(o)
		existing, ok := merged[name]
		if ok && existing.kind == kindMap && o.kind == kindMap {
			m := existing.value.(*optionMap).clone()
			replacement := o.value.(*optionMap)
			for _, key := range replacement.keys {
				if previous, ok := m.get(key); ok {
					m.put(key, unionValues(previous, replacement.values[key]))
				} else {
					m.put(key, replacement.values[key])
				}
			}
			o = &option{name: o.name, kind: kindMap, value: m, parenthesized: o.parenthesized}
		}
		merged[name] = o
	}
	return merged
}

// findOption returns the merged option called name, or nil.
func findOption(options []*option, name string) *option {
	if len(options) == 0 {
		return nil
	}
	return mergedOptions(options)[name]
}
