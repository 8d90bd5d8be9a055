package storage

// ViewStats counts what a view holds.
type ViewStats struct {
	// Schemas is the number of distinct schema ids still held by a
	// version, soft-deleted or not: the ids /schemas/ids/{id} serves.
	Schemas int
	// Subjects is the number of subjects with a version that is not
	// soft-deleted.
	Subjects int
	// Versions is the number of versions that are not soft-deleted.
	Versions int
}

// Stats counts the view's schemas, live subjects and live versions. It
// visits every version under the read lock, so it is meant for a metrics
// scrape, not for a request path.
func (v *View) Stats() ViewStats {
	v.mu.RLock()
	defer v.mu.RUnlock()
	stats := ViewStats{Schemas: len(v.byID)}
	for _, s := range v.subjects {
		live := 0
		for _, ver := range s.ordered {
			if !ver.Deleted {
				live++
			}
		}
		stats.Versions += live
		if live > 0 {
			stats.Subjects++
		}
	}
	return stats
}
