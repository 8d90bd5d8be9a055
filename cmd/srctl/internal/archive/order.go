package archive

import (
	"cmp"
	"fmt"
	"slices"
)

// Entry is one version of one subject of a manifest.
type Entry struct {
	Subject string
	*Version
}

// ImportOrder lists every version of the manifest in an order a registry
// accepts them in: each version after the versions it references that the
// manifest holds, and otherwise by id, so that schemas arrive in the order
// they were first registered. A reference to version -1 means the highest
// version of its subject. Reference cycles are an error.
func (m *Manifest) ImportOrder() ([]Entry, error) {
	type key struct {
		subject string
		version int
	}
	var all []Entry
	byKey := map[key]Entry{}
	highest := map[string]int{}
	for _, s := range m.Subjects {
		for i := range s.Versions {
			e := Entry{Subject: s.Name, Version: &s.Versions[i]}
			all = append(all, e)
			byKey[key{s.Name, e.Number}] = e
			highest[s.Name] = max(highest[s.Name], e.Number)
		}
	}
	slices.SortStableFunc(all, func(a, b Entry) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Subject, b.Subject), cmp.Compare(a.Number, b.Number))
	})

	const (
		visiting = iota + 1
		done
	)
	state := map[key]int{}
	order := make([]Entry, 0, len(all))
	var visit func(e Entry) error
	visit = func(e Entry) error {
		k := key{e.Subject, e.Number}
		switch state[k] {
		case done:
			return nil
		case visiting:
			return fmt.Errorf("subject %q version %d references itself through its references", e.Subject, k.version)
		}
		state[k] = visiting
		for _, ref := range e.References {
			version := ref.Version
			if version == -1 {
				version = highest[ref.Subject]
			}
			if dep, ok := byKey[key{ref.Subject, version}]; ok {
				if err := visit(dep); err != nil {
					return err
				}
			}
		}
		state[k] = done
		order = append(order, e)
		return nil
	}
	for _, e := range all {
		if err := visit(e); err != nil {
			return nil, err
		}
	}
	return order, nil
}
