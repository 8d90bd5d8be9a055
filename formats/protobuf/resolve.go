package protobuf

import "strings"

// typeInfo is a type Confluent's normalization can resolve a name to.
type typeInfo struct {
	elem typeElement
	// key and value are the fields of a map entry message (one with
	// `option map_entry = true`, found in files read from descriptors).
	isMap      bool
	key, value *fieldElement
}

// mapType is the map<K, V> type a map entry message stands for.
func (t *typeInfo) mapType() string {
	return "map<" + t.key.typ + ", " + t.value.typ + ">"
}

// typeIndex holds the full names of the types and extension fields of a
// file and the files it may use, as Confluent's diff Context collects them
// (collectTypeInfo): later definitions of a name replace earlier ones,
// and the definitions of base come first.
type typeIndex struct {
	types  map[string]*typeInfo
	extend map[string]*fieldElement
	base   *typeIndex
}

func newTypeIndex(base *typeIndex) *typeIndex {
	return &typeIndex{types: make(map[string]*typeInfo), extend: make(map[string]*fieldElement), base: base}
}

func (x *typeIndex) typeNamed(name string) *typeInfo {
	for ; x != nil; x = x.base {
		if t, ok := x.types[name]; ok {
			return t
		}
	}
	return nil
}

func (x *typeIndex) extendNamed(name string) *fieldElement {
	for ; x != nil; x = x.base {
		if f, ok := x.extend[name]; ok {
			return f
		}
	}
	return nil
}

// add collects the types and extension fields of f.
func (x *typeIndex) add(f *fileElement) {
	var path []string
	if f.packageName != "" {
		path = []string{f.packageName}
	}
	x.addExtends(path, f.extends)
	x.addTypes(path, f.types)
}

func (x *typeIndex) addExtends(path []string, extends []*extendElement) {
	for _, e := range extends {
		for _, f := range e.fields {
			x.extend[joinName(path, f.name)] = f
		}
	}
}

func (x *typeIndex) addTypes(path []string, types []typeElement) {
	for _, t := range types {
		name := joinName(path, t.typeName())
		info := &typeInfo{elem: t}
		if m, ok := t.(*messageElement); ok {
			inner := append(path[:len(path):len(path)], m.name)
			x.addExtends(inner, m.extends)
			if o := findOption(m.options, "map_entry"); o != nil && javaString(o.value) == "true" {
				info.isMap = true
				info.key, info.value = findField(m.fields, "key"), findField(m.fields, "value")
			}
		}
		x.types[name] = info
		x.addTypes(append(path[:len(path):len(path)], t.typeName()), t.nested())
	}
}

func joinName(path []string, name string) string {
	if len(path) == 0 {
		return name
	}
	return strings.Join(path, ".") + "." + name
}

func findField(fields []*fieldElement, name string) *fieldElement {
	for _, f := range fields {
		if f.name == name {
			return f
		}
	}
	return nil
}

// scope is where a name is resolved from: the package of the file being
// printed and the types entered so far, Confluent's Context.fullName.
type scope struct {
	index   *typeIndex
	pkg     []string
	entered []string
}

func (s *scope) enter(name string) { s.entered = append(s.entered, name) }
func (s *scope) leave()            { s.entered = s.entered[:len(s.entered)-1] }

// resolve finds the full name (without a leading dot) a name stands for,
// as Confluent's Context.resolveFull: a leading dot means the name is
// full; otherwise the name is tried inside the package and the entered
// types, innermost first, then alone. It returns "" when nothing matches.
func (s *scope) resolve(found func(string) bool, name string) string {
	if full, ok := strings.CutPrefix(name, "."); ok {
		if found(full) {
			return full
		}
		return ""
	}
	prefix := append(append([]string(nil), s.pkg...), s.entered...)
	for ; len(prefix) > 0; prefix = prefix[:len(prefix)-1] {
		if full := strings.Join(prefix, ".") + "." + name; found(full) {
			return full
		}
	}
	if found(name) {
		return name
	}
	return ""
}

func (s *scope) resolveType(name string) string {
	return s.resolve(func(full string) bool { return s.index.typeNamed(full) != nil }, name)
}

func (s *scope) resolveExtend(name string) string {
	return s.resolve(func(full string) bool { return s.index.extendNamed(full) != nil }, name)
}

// typeOf returns the type a name stands for, or nil.
func (s *scope) typeOf(name string) *typeInfo {
	if full := s.resolveType(name); full != "" {
		return s.index.typeNamed(full)
	}
	return nil
}
