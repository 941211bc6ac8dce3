# One image with every implementation built, for docker-compose.yml and
# examples/bridge/docker-compose.mqtt.yml (whose relays need the broker's clients).
FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev make golang-go python3 mosquitto-clients \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN make all
