# One image with every implementation built, for docker-compose.yml.
FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev make golang-go python3 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN make all
