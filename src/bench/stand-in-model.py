# A stand-in for an OpenAI-compatible endpoint: a plan for planning requests, then a scripted fix with tool calls.
import json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

PLAN = {"tasks": [{"id": "fix_add", "description": "Fix the bug in calc.add (it subtracts)", "priority": "high",
                   "depends_on": [], "files": ["app/calc.py"]}]}
SCRIPT = [("read_file", {"path": "app/calc.py"}),
          ("replace_in_file", {"path": "app/calc.py", "old": "def add(a, b):\n    return a - b", "new": "def add(a, b):\n    return a + b"}),
          ("run_check", {}),
          ("finish", {"summary": "add now adds: return a + b"})]

class Model(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        sent = len(json.dumps(body["messages"])) + len(json.dumps(body.get("tools", [])))
        if "tools" not in body:
            message = {"role": "assistant", "content": json.dumps(PLAN)}
            finish = "stop"
        else:
            turn = sum(1 for m in body["messages"] if m["role"] == "assistant")
            name, args = SCRIPT[min(turn, len(SCRIPT) - 1)]
            message = {"role": "assistant", "content": None, "tool_calls": [
                {"id": f"call_{turn}", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}]}
            finish = "tool_calls"
        out = json.dumps({"id": "x", "object": "chat.completion", "model": body.get("model"),
                          "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                          "usage": {"prompt_tokens": sent // 4 + 1, "completion_tokens": 40,
                                    "total_tokens": sent // 4 + 41}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass

HTTPServer(("127.0.0.1", int(sys.argv[1])), Model).serve_forever()
