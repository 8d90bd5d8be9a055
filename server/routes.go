package server

// routes lays out the API, Confluent Schema Registry's paths.
func (s *Server) routes() {
	e := s.echo

	e.GET("/", s.root)
	e.POST("/", s.root)
	e.GET("/v1/metadata/id", s.clusterID)
	e.GET("/v1/metadata/version", s.serverVersion)
	e.GET("/contexts", s.contexts)

	e.GET("/schemas", s.listSchemas)
	e.GET("/schemas/types", s.schemaTypes)
	e.GET("/schemas/ids/:id", s.schemaByID)
	e.GET("/schemas/ids/:id/schema", s.schemaTextByID)
	e.GET("/schemas/ids/:id/subjects", s.subjectsByID)
	e.GET("/schemas/ids/:id/versions", s.versionsByID)

	e.GET("/subjects", s.listSubjects)
	e.POST("/subjects/:subject", s.lookupSchema)
	e.DELETE("/subjects/:subject", s.deleteSubject)
	e.GET("/subjects/:subject/versions", s.listVersions)
	e.POST("/subjects/:subject/versions", s.registerSchema)
	e.GET("/subjects/:subject/versions/:version", s.getVersion)
	e.DELETE("/subjects/:subject/versions/:version", s.deleteVersion)
	e.GET("/subjects/:subject/versions/:version/schema", s.getVersionSchemaText)
	e.GET("/subjects/:subject/versions/:version/referencedby", s.referencedBy)

	e.POST("/compatibility/subjects/:subject/versions", s.testCompatibilityAll)
	e.POST("/compatibility/subjects/:subject/versions/:version", s.testCompatibilityVersion)

	e.GET("/config", s.getGlobalConfig)
	e.PUT("/config", s.putGlobalConfig)
	e.DELETE("/config", s.deleteGlobalConfig)
	e.GET("/config/:subject", s.getSubjectConfig)
	e.PUT("/config/:subject", s.putSubjectConfig)
	e.DELETE("/config/:subject", s.deleteSubjectConfig)

	e.GET("/mode", s.getGlobalMode)
	e.PUT("/mode", s.putGlobalMode)
	e.DELETE("/mode", s.deleteGlobalMode)
	e.GET("/mode/:subject", s.getSubjectMode)
	e.PUT("/mode/:subject", s.putSubjectMode)
	e.DELETE("/mode/:subject", s.deleteSubjectMode)
}
