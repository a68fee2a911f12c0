#!/usr/bin/env bash
# Serve dangbo with its background worker beside it; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

server="" worker=""
stop() {
  trap - INT TERM EXIT
  kill -TERM $server $worker 2>/dev/null || true
  wait $server $worker 2>/dev/null || true
  echo "dangbo đã dừng / stopped."
}
trap stop INT TERM EXIT

$BIN/python manage.py db_worker --queue-name '*' --interval 5 --no-reload &
worker=$!

cat <<MSG

  dangbo đang chạy / is running:  http://$HOST:$PORT/

  Tài khoản demo / demo accounts (mật khẩu / password: dangbo-demo)
    vanphong         Văn phòng Thành ủy (toàn thành phố / whole city)
    bithu.phuong1    Bí thư Đảng ủy Phường 1
    bithu.dongluong  Bí thư Đảng ủy phường Đông Lương
    bithu.chibo      Bí thư một chi bộ của Phường 1 / a cell secretary in Phường 1
    dangvien         Đảng viên của chi bộ đó / a plain member of that cell

  Nhấn Ctrl-C để dừng / press Ctrl-C to stop.

MSG
$BIN/python manage.py runserver "$HOST:$PORT" --noreload &
server=$!
# When either process ends (or Ctrl-C arrives), stop the other too.
wait -n $server $worker || true
