// A plug-in adapter built as its own shared library for plugin_test: it
// delivers by keeping the message. GOVBUS_TEST_INTERFACE_SKEW builds a copy
// that claims another interface version, which the node must refuse.
#include "bus/node/adapter.hpp"

namespace {

class EchoAdapter : public govbus::Adapter {
public:
    govbus::Status start(govbus::AdapterHost&) override { return govbus::ok_status(); }
    void stop() override {}
    std::size_t capacity(const std::string&) override { return 1; }
    void deliver(govbus::OutboundMessage message, govbus::DeliveryDone done) override {
        govbus::DeliveryResult r;
        r.kind = message.bytes.empty() ? govbus::DeliveryResult::Kind::refused : govbus::DeliveryResult::Kind::delivered;
        if (message.bytes.empty()) r.reason = govbus::make_problem("echo.empty", "nothing to echo");
        done(r);
    }
};

govbus::Result<std::unique_ptr<govbus::Adapter>> make_echo(const govbus::AdapterConfig&) {
    return std::unique_ptr<govbus::Adapter>(std::make_unique<EchoAdapter>());
}

const govbus::AdapterPlugin plugin{govbus::kAdapterInterfaceVersion + GOVBUS_TEST_INTERFACE_SKEW,
                                   GOVBUS_TEST_INTERFACE_SKEW ? "echo-skewed" : "echo", make_echo};

}  // namespace

extern "C" const govbus::AdapterPlugin* govbus_adapter_plugin() { return &plugin; }
