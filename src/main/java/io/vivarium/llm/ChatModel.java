package io.vivarium.llm;

/** An OpenAI-compatible chat-completions endpoint: one request, one answer (retries are the implementation's). */
public interface ChatModel {

    /** @throws LlmException when no key is configured, the endpoint fails after retries, or the answer is unusable */
    ChatCompletion complete(ChatRequest request);
}
