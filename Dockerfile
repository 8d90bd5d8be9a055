# The registry as a container image:
#
#   docker build -t goschemaregistry .
#   docker run -p 8081:8081 -v registry-data:/data goschemaregistry
#
# Settings come as flags after the image name, as SCHEMA_REGISTRY_*
# environment variables or in a YAML file given by --config (see README.md).
# test/dockerfile_test.go runs the build stage's commands as written.

ARG GO_VERSION=1.26

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
# A static binary, with no cgo: the final image has no C library.
ENV CGO_ENABLED=0
# Modules are downloaded in a layer of their own, reused until go.mod or
# go.sum change.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -trimpath -ldflags "-s -w" -o /out/schema-registry ./cmd/schema-registry
RUN go build -trimpath -ldflags "-s -w" -o /out/srctl ./cmd/srctl
# The data directory, copied into the image owned by its non-root user so
# that a new volume mounted on it is writable.
RUN mkdir -p /out/data

# distroless/static: CA certificates, time zones and a non-root user
# (nonroot, uid 65532), and no shell or package manager.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/schema-registry /out/srctl /usr/local/bin/
COPY --from=build --chown=65532:65532 /out/data /data
# Numeric, so that Kubernetes runAsNonRoot can verify it.
USER 65532:65532
EXPOSE 8081
VOLUME /data
ENTRYPOINT ["/usr/local/bin/schema-registry"]
CMD ["--listen", ":8081", "--data-dir", "/data"]
