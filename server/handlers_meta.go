package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// Version is the server version /v1/metadata/version reports; set at build
// time with -ldflags "-X github.com/goschemaregistry/registry/server.Version=...".
var Version = "dev"

func (s *Server) root(c echo.Context) error {
	return writeJSON(c, http.StatusOK, struct{}{})
}

// clusterIDResponse is Confluent's ServerClusterId, with its map keys in
// the order Confluent writes them. Leader is ours: the URL of the instance
// that writes, when one is known (a single instance reports none).
type clusterIDResponse struct {
	Scope struct {
		Path     []string `json:"path"`
		Clusters struct {
			Kafka          string `json:"kafka-cluster"`
			SchemaRegistry string `json:"schema-registry-cluster"`
		} `json:"clusters"`
	} `json:"scope"`
	Leader   string `json:"leader,omitempty"`
	IsLeader *bool  `json:"isLeader,omitempty"`
}

func (s *Server) clusterID(c echo.Context) error {
	var resp clusterIDResponse
	resp.Scope.Path = []string{}
	resp.Scope.Clusters.Kafka = s.config.ClusterID
	resp.Scope.Clusters.SchemaRegistry = s.config.GroupID
	if s.config.Leadership != nil {
		url, self, known := s.config.Leadership.Leader()
		if known {
			resp.Leader = url
		}
		resp.IsLeader = &self
	}
	return writeJSON(c, http.StatusOK, resp)
}

func (s *Server) serverVersion(c echo.Context) error {
	return writeJSON(c, http.StatusOK, map[string]string{"version": Version, "commitId": ""})
}

func (s *Server) contexts(c echo.Context) error {
	return writeJSON(c, http.StatusOK, []string{"."})
}
