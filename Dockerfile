# Trimtab's container image: `trimtab serve` (HTTP API and dashboard) by default; any other
# command with `docker run IMAGE plan /opt/trimtab/examples/slapp-app3.yaml`.
#
#   docker build -t trimtab:0.1.0 .
#
# Stages: `build` compiles in the official Swift image with the Swift standard library linked
# statically; `runtime` is a slim Debian with only the C libraries the binary loads (libcurl for
# FoundationNetworking, SQLite for the control history), a non-root user and the examples.
# `deploy/check-image.sh` checks the runtime stage without a Docker engine (podman, a local
# debootstrap base and a binary built on the host: BINARY_FROM=prebuilt, see the README).
ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim
ARG BINARY_FROM=build

FROM ${SWIFT_IMAGE} AS build
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product trimtab --static-swift-stdlib \
 && install -D "$(swift build -c release --show-bin-path)/trimtab" /out/trimtab

# A binary built on the host (`swift build -c release --product trimtab --static-swift-stdlib`),
# copied from the build context's `image-input/trimtab`.
FROM scratch AS prebuilt
COPY image-input/trimtab /out/trimtab

FROM ${BINARY_FROM} AS binary

FROM ${RUNTIME_IMAGE} AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates libcurl4 libsqlite3-0 tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 trimtab \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /opt/trimtab --shell /usr/sbin/nologin trimtab
COPY --from=binary /out/trimtab /usr/local/bin/trimtab
COPY examples /opt/trimtab/examples
WORKDIR /opt/trimtab
USER 10001:10001
EXPOSE 8080
# /healthz over bash's /dev/tcp: the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '200' <&3"]
ENTRYPOINT ["trimtab"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
