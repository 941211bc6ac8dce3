#!/usr/bin/env bash
# examples/bridge/bridge-broker.bash: a private mosquitto, and the two relays between
# a FIFO and it, sourced by examples/bridge/bridge and tests/bridge.bats.
#
# The broker is Debian's mosquitto, started on 127.0.0.1 on a port nobody
# uses, with a configuration file of its own (never the system's) and
# nothing kept on disk. Its log goes to its standard error, unbuffered, so
# that the caller can watch it: when it listens, who subscribed.
#
# The relays are the broker's own command-line clients with our programs:
#
#   near side:  FIFO --> SUB --raw --> mosquitto_pub -l    --> broker
#   far side:   broker --> mosquitto_sub -c -i ID --> PUB --> FIFO
#
# Both use MQTT QoS 1 (at least once): the broker keeps a message for a
# subscriber that is away, under its client id (-c -i ID, a persistent
# session), and mosquitto_pub keeps one the broker has not acknowledged.

# BRIDGE_HOST: where the broker is (a container's name under docker compose).
BRIDGE_HOST=${BRIDGE_HOST:-127.0.0.1}
# BRIDGE_TOPIC: the MQTT topic the readings travel on.
BRIDGE_TOPIC=warehouse/temp
# BRIDGE_READY: where each dashboard says, retained, that it has subscribed
# (warehouse/dashboards/ID), so that the sensors can wait for it.
BRIDGE_READY=warehouse/dashboards
# BRIDGE_QOS: 1, at least once (README.md, "When one machine is not enough").
BRIDGE_QOS=1

# bridge_free_port: a TCP port on 127.0.0.1 that nobody listens on now (the
# kernel picks it). Someone may take it before the broker does; then the
# broker fails to start, saying so, and the caller may try again.
bridge_free_port() {
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# bridge_broker_config FILE PORT: a minimal mosquitto.conf: one listener on
# 127.0.0.1:PORT, no password (only this machine can connect), no
# persistence file, and a log of connections and subscriptions.
bridge_broker_config() {
  cat >"$1" <<EOF
# A private broker for the fifo-pubsub bridge (examples/bridge/bridge-broker.bash).
listener $2 127.0.0.1
allow_anonymous true
persistence false
log_dest stderr
log_type error
log_type warning
log_type notice
log_type information
log_type subscribe
EOF
}

# bridge_broker_running LOG: has the broker logging to LOG opened its
# listener? (mosquitto logs "mosquitto version X running" once it has.)
bridge_broker_running() { grep -q '^[0-9]*: mosquitto version .* running$' "$1" 2>/dev/null; }

# bridge_subscriptions LOG CLIENT: how many times the client CLIENT has
# subscribed to BRIDGE_TOPIC, by the broker's log (0 when never). A
# mosquitto_sub subscribes again each time it reconnects.
bridge_subscriptions() {
  grep -c "^[0-9]*: $2 $BRIDGE_QOS $BRIDGE_TOPIC\$" "$1" 2>/dev/null || true
}

# bridge_near_side PORT PIPE SUBSCRIBER: the sensors' machine: the program
# SUBSCRIBER (bin/c-subscriber, ...) prints every message of the FIFO PIPE
# as a frame, and mosquitto_pub publishes each line as one MQTT message. It
# ends after `exit`, which it passes on.
bridge_near_side() {
  "$3" --pipe "$2" --raw |
    mosquitto_pub -h "$BRIDGE_HOST" -p "$1" -t "$BRIDGE_TOPIC" -q "$BRIDGE_QOS" -i warehouse-sensors -l
}

# bridge_far_side PORT ID PIPE PUBLISHER: a dashboard's machine:
# mosquitto_sub, with the persistent session ID, prints every message of the
# topic on a line of its own, and the program PUBLISHER (bin/go-publisher,
# ...) sends each into the FIFO PIPE. The publisher ends after `exit`;
# mosquitto_sub runs until it is stopped.
bridge_far_side() {
  mosquitto_sub -h "$BRIDGE_HOST" -p "$1" -t "$BRIDGE_TOPIC" -q "$BRIDGE_QOS" -c -i "$2" |
    "$4" --pipe "$3"
}

# bridge_subscribe PORT ID: make the persistent session ID and its
# subscription, and say so: from here on the broker keeps every reading for
# ID, even before bridge_far_side connects with it. mosquitto_sub -E exits
# once the broker has confirmed the subscription.
bridge_subscribe() {
  mosquitto_sub -h "$BRIDGE_HOST" -p "$1" -t "$BRIDGE_TOPIC" -q "$BRIDGE_QOS" -c -i "$2" -E &&
    mosquitto_pub -h "$BRIDGE_HOST" -p "$1" -t "$BRIDGE_READY/$2" -q "$BRIDGE_QOS" -r -m subscribed
}

# bridge_await_dashboards PORT N: wait until N dashboards have subscribed
# (their retained notes); status 1 after 5 seconds without one, or when
# the broker cannot be reached, so that the caller may try again.
bridge_await_dashboards() {
  mosquitto_sub -h "$BRIDGE_HOST" -p "$1" -t "$BRIDGE_READY/+" -C "$2" -W 5 >/dev/null
}
