package io.vivarium.support;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Child-JVM entry point: writes a claim record to a file, locks it and stays alive, like a hung worker. */
public final class HoldLock {

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Files.writeString(file, args[1]);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        channel.lock();
        System.out.println("locked");
        Thread.sleep(Long.parseLong(args[2]));
    }
}
