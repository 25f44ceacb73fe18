package io.vivarium.store.file;

/** The workspace files' format version: 1.x is read; anything else is refused rather than misread. */
final class FormatVersion {

    static final String CURRENT = "1.0";

    private FormatVersion() {
    }

    static String check(String version) {
        if (version == null) {
            return CURRENT;
        }
        if (!version.equals("1") && !version.startsWith("1.")) {
            throw new IllegalArgumentException("unsupported format version '" + version + "' (this Vivarium reads 1.x)");
        }
        return version;
    }
}
