// Puts an endpoint's translation (bus/node/translation.hpp) in front of the
// adapter that reaches it: the dispatcher delivers standard messages, the
// endpoint receives its own format.
#pragma once

#include "bus/codec/codec.hpp"
#include "bus/node/adapter.hpp"
#include "bus/node/translation.hpp"

#include <memory>

namespace govbus {

class TranslatingAdapter : public Adapter {
public:
    TranslatingAdapter(Adapter& inner, std::shared_ptr<const Translation> translation, const codec::Codec& codec)
        : inner_(inner), translation_(std::move(translation)), codec_(codec) {}

    // The inner adapter is started and stopped by the node.
    Status start(AdapterHost&) override { return ok_status(); }
    void stop() override {}
    std::size_t capacity(const std::string& destination) override { return inner_.capacity(destination); }

    void deliver(OutboundMessage message, DeliveryDone done) override {
        auto translated = translation_->outbound(message.bytes, codec_);
        if (!translated) {
            // The same bytes would fail the same way next time: a dead letter, with the reason.
            DeliveryResult r;
            r.kind = DeliveryResult::Kind::refused;
            r.reason = translated.problem();
            done(std::move(r));
            return;
        }
        message.bytes = std::move(translated.value());
        if (codec::detect_encoding(message.bytes) == codec::Encoding::xml) message.content_type = "application/xml";
        else message.content_type = "application/json";
        inner_.deliver(std::move(message), std::move(done));
    }

private:
    Adapter& inner_;
    std::shared_ptr<const Translation> translation_;
    const codec::Codec& codec_;
};

}  // namespace govbus
