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

// Stats counts the view's schemas, live subjects and live versions, kept
// up to date as records are applied.
func (v *View) Stats() ViewStats {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return ViewStats{Schemas: len(v.byID), Subjects: v.liveSubjects, Versions: v.liveVersions}
}
