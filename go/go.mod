module fifo-pubsub/go

go 1.19
