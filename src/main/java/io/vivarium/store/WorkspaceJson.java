package io.vivarium.store;

import io.vivarium.util.Causes;
import io.vivarium.task.InvalidTaskException;
import io.vivarium.task.Timestamps;
import java.time.Instant;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/** The JSON dialect of workspace files: snake_case, {@code +00:00} timestamps, two-space indent like Python's json. */
public final class WorkspaceJson {

    private static final JsonMapper MAPPER = build();

    private WorkspaceJson() {
    }

    public static JsonMapper mapper() {
        return MAPPER;
    }

    private static final tools.jackson.databind.ObjectWriter COMPACT =
            MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);
    /** A buffer per thread for the timestamps a serializer writes: a log of 100,000 tasks holds 200,000 of them. */
    private static final ThreadLocal<char[]> TIMESTAMP = ThreadLocal.withInitial(() -> new char[Timestamps.LENGTH]);

    /** One-line JSON, for claim records and machine-readable output. */
    public static byte[] compact(Object value) {
        return COMPACT.writeValueAsBytes(value);
    }

    /** Instants as the files write them ({@code 2026-01-15T10:30:00.000000+00:00}); accepts any ISO-8601 form. */
    public static SimpleModule timestampsModule() {
        return new SimpleModule("vivarium-timestamps")
                .addSerializer(Instant.class, new ValueSerializer<Instant>() {
                    @Override
                    public void serialize(Instant value, JsonGenerator gen, SerializationContext ctxt) {
                        char[] text = TIMESTAMP.get();
                        int n = Timestamps.formatInto(value, text);
                        if (n < 0) {
                            gen.writeString(Timestamps.format(value));
                        } else {
                            gen.writeString(text, 0, n);
                        }
                    }
                })
                .addDeserializer(Instant.class, new ValueDeserializer<Instant>() {
                    @Override
                    public Instant deserialize(JsonParser p, DeserializationContext ctxt) {
                        return Timestamps.parse(p.getValueAsString());
                    }
                });
    }

    private static JsonMapper build() {
        SimpleModule timestamps = timestampsModule();
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectNameValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator(""))
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        return JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .addModule(timestamps)
                .defaultPrettyPrinter(printer)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                // The original system's swarm_summary has five counts; the summary is recomputed on write anyway.
                .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .build();
    }

    /** One line saying where a file went wrong and why, without echoing its content. */
    public static String describe(JacksonException e) {
        Throwable root = Causes.root(e);
        String where = referencePath(e);
        if (root instanceof InvalidTaskException || root instanceof IllegalArgumentException) {
            return (where.isEmpty() ? "" : "at " + where + ": ") + root.getMessage();
        }
        TokenStreamLocation location = e.getLocation();
        String at = location != null && location.getLineNr() > 0
                ? "line " + location.getLineNr() + ", column " + location.getColumnNr()
                : where;
        String message = e.getOriginalMessage();
        int newline = message.indexOf('\n');
        message = newline < 0 ? message : message.substring(0, newline);
        message = message.replaceAll("\\s*\\(start marker at \\[Source:[^\\]]*\\][^)]*\\)", "")
                .replaceAll("\\s*at \\[Source:[^\\]]*\\]", "");
        return (at.isEmpty() ? "" : "at " + at + ": ") + message;
    }

    private static String referencePath(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
