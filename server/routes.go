package server

// routes lays out the API, Confluent Schema Registry's paths. Writes pass
// through forwardWrites, which sends them to the leader from a follower.
func (s *Server) routes() {
	e := s.echo

	e.GET("/", s.root)
	e.POST("/", s.root)
	e.GET("/v1/metadata/id", s.clusterID)
	e.GET("/v1/metadata/version", s.serverVersion)
	e.GET("/contexts", s.contexts)
	e.GET("/openapi.yaml", s.openAPIDocument)
	e.GET("/metrics", s.serveMetrics)
	e.GET("/health/live", s.live)
	e.GET("/health/ready", s.ready)

	e.GET("/schemas", s.listSchemas)
	e.GET("/schemas/types", s.schemaTypes)
	e.GET("/schemas/ids/:id", s.schemaByID)
	e.GET("/schemas/ids/:id/schema", s.schemaTextByID)
	e.GET("/schemas/ids/:id/subjects", s.subjectsByID)
	e.GET("/schemas/ids/:id/versions", s.versionsByID)

	e.GET("/subjects", s.listSubjects)
	e.POST("/subjects/:subject", s.lookupSchema)
	e.DELETE("/subjects/:subject", s.deleteSubject, s.forwardWrites)
	e.GET("/subjects/:subject/metadata", s.latestWithMetadata)
	e.GET("/subjects/:subject/versions", s.listVersions)
	// Registration forwards by itself: a schema the subject already holds
	// is answered here.
	e.POST("/subjects/:subject/versions", s.registerSchema)
	e.GET("/subjects/:subject/versions/:version", s.getVersion)
	e.DELETE("/subjects/:subject/versions/:version", s.deleteVersion, s.forwardWrites)
	e.GET("/subjects/:subject/versions/:version/schema", s.getVersionSchemaText)
	e.GET("/subjects/:subject/versions/:version/referencedby", s.referencedBy)

	e.POST("/compatibility/subjects/:subject/versions", s.testCompatibilityAll)
	e.POST("/compatibility/subjects/:subject/versions/:version", s.testCompatibilityVersion)

	e.GET("/config", s.getGlobalConfig)
	e.PUT("/config", s.putGlobalConfig, s.forwardWrites)
	e.DELETE("/config", s.deleteGlobalConfig, s.forwardWrites)
	e.GET("/config/:subject", s.getSubjectConfig)
	e.PUT("/config/:subject", s.putSubjectConfig, s.forwardWrites)
	e.DELETE("/config/:subject", s.deleteSubjectConfig, s.forwardWrites)

	e.GET("/mode", s.getGlobalMode)
	e.PUT("/mode", s.putGlobalMode, s.forwardWrites)
	e.DELETE("/mode", s.deleteGlobalMode, s.forwardWrites)
	e.GET("/mode/:subject", s.getSubjectMode)
	e.PUT("/mode/:subject", s.putSubjectMode, s.forwardWrites)
	e.DELETE("/mode/:subject", s.deleteSubjectMode, s.forwardWrites)
}
