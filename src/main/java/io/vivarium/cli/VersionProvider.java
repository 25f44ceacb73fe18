package io.vivarium.cli;

import picocli.CommandLine;

final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"vivarium " + (version == null ? "(development build)" : version),
                "Java " + System.getProperty("java.version")};
    }
}
