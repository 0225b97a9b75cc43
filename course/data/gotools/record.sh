#!/bin/bash
# How course/data/gotools/*-go1.19.* were recorded (go1.19.8 linux/amd64, 2 cores). Records at real-time priority, sysmon one level above (the machine is shared)
cd "$(dirname "$0")"   # built here first: go build -o prog .
mkfifo -m 600 gate 2>/dev/null
GOMAXPROCS=2 GODEBUG=schedtrace=20,scheddetail=1 chrt -f 10 ./prog -wait -trace trace.out < gate > metrics.txt 2> sched.txt &
pid=$!
exec 3>gate
sleep 0.05
tid=$(ls /proc/$pid/task | sort -n | sed -n 2p)
chrt -f -p 11 $tid
echo go >&3
exec 3>&-
wait $pid
# then, with the outputs renamed as stored here:
#   go tool trace -d trace.out > trace-events-go1.19.txt   (every event, as text)
#   go tool trace -pprof=sched trace.out > sched.pprof && go tool pprof -top -nodecount=8 prog sched.pprof
