package io.vivarium.plan;

import io.vivarium.llm.ChatCompletion;
import io.vivarium.llm.ChatMessage;
import io.vivarium.llm.ChatModel;
import io.vivarium.llm.ChatRequest;
import io.vivarium.llm.LlmException.Kind;
import io.vivarium.llm.LlmSettings;
import io.vivarium.store.DuplicateTaskException;
import io.vivarium.store.TaskStore;
import io.vivarium.task.Money;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * The guide's Workflow 2: scan the workspace, ask the model for improvement tasks, and append them to the queue.
 * Whatever the model answers, the queue is only ever appended to, all tasks or none.
 */
public final class Planner {

    static final String SYSTEM = """
            You plan improvement work on a software project. You see metadata about its source files (path, line \
            count, whether tests cover it, top-level classes and functions), never the code. Propose between 3 and \
            the requested number of concrete, self-contained tasks that would most improve the project toward the \
            goal: missing tests for important untested files, bugs likely from the structure, refactors of very \
            large files, documentation of public entry points. Each task names the files it concerns.
            Answer with one JSON object and nothing else:
            {"tasks": [{"id": "short_snake_case_id", "description": "what to do and why, one or two sentences", \
            "priority": "high|medium|low", "depends_on": ["id of a task in this plan that must finish first"], \
            "files": ["path/of/file.py"]}]}""";

    /** In a git repository each task is done by the edit agent, so the tasks must be small and checkable. */
    static final String EDIT_SYSTEM = SYSTEM.replace("Each task names the files it concerns.", """
            Each task will be done by a coding agent that edits the code in its own git branch and proves the \
            change with the project's tests, so propose small, checkable changes: one bug fix, the tests for one \
            module, one refactor of one function; never a rewrite. In "files" list every file the task reads or \
            changes (existing files by their path; new files where they should go).""");

    /** Room for about ten tasks; an answer that needs more is cut off, and keeps the tasks it completed. */
    static final int MAX_ANSWER_TOKENS = 2048;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ChatModel model;
    private final LlmSettings llm;
    private final TaskStore store;
    private final WorkspaceScanner scanner;
    private final Path workspace;
    private final ScanSettings scan;

    public Planner(ChatModel model, LlmSettings llm, TaskStore store, Path workspace, ScanSettings scan) {
        this.model = model;
        this.llm = llm;
        this.store = store;
        this.workspace = workspace;
        this.scan = scan;
        this.scanner = new WorkspaceScanner(scan);
    }

    public PlanResult plan(PlanRequest request) {
        if (!llm.hasKey()) {
            throw new PlanException(Kind.NOT_CONFIGURED, "planning needs an LLM API key: set "
                    + LlmSettings.KEY_VARIABLE + " (in the environment or the workspace's .env)");
        }
        WorkspaceScanner.Scan found = scanner.scan(workspace);
        Set<String> queueIds = queueIds();
        String user = userMessage(request, found, queueIds);
        PlanRules.EditMode edits = !request.noEdit() && GitWorkspace.isRepository(workspace)
                ? new PlanRules.EditMode(request.check()) : null;
        ChatCompletion answer = model.complete(new ChatRequest(List.of(
                ChatMessage.system(edits != null ? EDIT_SYSTEM : SYSTEM), ChatMessage.user(user)),
                MAX_ANSWER_TOKENS, true));
        boolean stoppedAtLimit = "length".equals(answer.finishReason());
        PlanParser.Parsed parsed;
        try {
            parsed = PlanParser.parse(answer.content());
        } catch (PlanException unusable) {
            throw stoppedAtLimit ? new PlanException(unusable.kind(), unusable.getMessage()
                    + " (the model stopped at max_tokens=" + MAX_ANSWER_TOKENS + ")") : unusable;
        }
        List<PlannedTask> planned = parsed.tasks();
        PlanRules.Outcome outcome = PlanRules.apply(planned, queueIds, request.maxTasks(), request.goal(), edits);
        if (!request.dryRun()) {
            try {
                store.add(outcome.tasks());
            } catch (DuplicateTaskException raced) {
                // Someone added a task with one of these ids meanwhile: make the ids unique again, once.
                outcome = PlanRules.apply(planned, queueIds(), request.maxTasks(), request.goal(), edits);
                store.add(outcome.tasks());
            }
        }
        List<String> notes = new ArrayList<>();
        if (parsed.cutOff()) {
            notes.add("the model's answer was cut off" + (stoppedAtLimit ? " at max_tokens=" + MAX_ANSWER_TOKENS : "")
                    + "; kept the " + planned.size() + " complete task(s) it proposed before that");
        }
        notes.addAll(outcome.notes());
        return new PlanResult(outcome.tasks(), request.dryRun(), found.files().size(), answer.model(),
                answer.usage().promptTokens(), answer.usage().completionTokens(),
                Money.round(llm.costOf(answer.usage())), notes);
    }

    private Set<String> queueIds() {
        Set<String> ids = new HashSet<>();
        store.snapshot().tasks().forEach(t -> ids.add(t.id()));
        return ids;
    }

    /** The scan as JSON, trimmed until it fits the prompt budget: first function lists, then class lists, then files. */
    private String userMessage(PlanRequest request, WorkspaceScanner.Scan found, Set<String> queueIds) {
        List<FileFacts> shown = found.files();
        for (int detail = 2; detail >= 0; detail--) {
            String message = render(request, shown, found.filesFound() - shown.size(), queueIds, detail);
            if (message.length() <= scan.maxPromptChars()) {
                return message;
            }
        }
        while (!shown.isEmpty()) {
            shown = shown.subList(0, shown.size() * 3 / 4);
            String message = render(request, shown, found.filesFound() - shown.size(), queueIds, 0);
            if (message.length() <= scan.maxPromptChars()) {
                return message;
            }
        }
        return render(request, shown, found.filesFound(), queueIds, 0);
    }

    private static String render(PlanRequest request, List<FileFacts> files, int notShown, Set<String> queueIds,
                                 int detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("goal", request.goal() == null || request.goal().isBlank()
                ? "improve the project's quality: tests, likely bugs, clarity" : request.goal());
        body.put("max_tasks", request.maxTasks());
        body.put("existing_task_ids", queueIds.stream().sorted().limit(200).toList());
        body.put("files", files.stream().map(f -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", f.path());
            m.put("lines", f.lines());
            m.put("has_tests", f.hasTests());
            if (detail >= 1) {
                m.put("classes", f.classes());
            }
            if (detail >= 2) {
                m.put("functions", f.functions());
            }
            return m;
        }).toList());
        if (notShown > 0) {
            body.put("files_not_shown", notShown);
        }
        return JSON.writeValueAsString(body);
    }
}
