package dev.originality.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** --device cpu|cuda, checked against what libtorch can actually see. */
final class DeviceOption {
    private DeviceOption() {}

    static Device parse(String name) {
        return switch (name) {
            case "cpu" -> Device.cpu();
            case "cuda" -> {
                if (Engine.getInstance().getGpuCount() == 0) {
                    throw new UserError("--device cuda: libtorch sees no CUDA device (this build uses the CPU libtorch; "
                            + "build with './mvnw -Pcuda package' on a machine with an NVIDIA GPU)");
                }
                yield Device.gpu();
            }
            default -> throw new UserError("--device must be cpu or cuda, found '" + name + "'");
        };
    }
}
