import HISPayCore

/// Every sentence the reconciliation writes about a row — what happened and what to do — in the
/// report's language.
struct ReconciliationText: Sendable {
    let language: ReportLanguage

    typealias Sentence = (note: String, action: String)

    private func kind(_ kind: StatementRecord.Kind) -> String {
        language == .zh ? (kind == .refund ? "退款" : kind == .payment ? "收款" : kind.name) : kind.name
    }

    func hisDuplicate(_ kind: StatementRecord.Kind) -> Sentence {
        language == .zh
            ? ("HIS 重复记了这笔\(self.kind(kind))", "删除 HIS 中重复的一笔")
            : ("the HIS booked this \(kind) twice", "remove the duplicate HIS booking")
    }

    func unclassified(type: String, amount: Amount) -> Sentence {
        language == .zh
            ? ("渠道账单有一行业务类型为\(type)（\(amount.yuanString) 元），既非收款也非退款", "到渠道查明此行；如确有资金变动，手工入账")
            : ("the channel lists a row of type \(type) (\(amount)) that is neither a payment nor a refund", "look the row up on the channel and book it by hand if money moved")
    }

    func channelCarried(_ kind: StatementRecord.Kind) -> Sentence {
        language == .zh
            ? ("渠道这笔\(self.kind(kind))发生在午夜前后，转入次日对账（跨日）", "今日无需处理：次日对平")
            : ("the channel's \(kind) near midnight is carried to the next day's reconciliation", "none today: it is matched tomorrow")
    }

    func channelOnly(_ kind: StatementRecord.Kind, _ amount: Amount) -> Sentence {
        switch (language, kind == .payment) {
        case (.zh, true): ("渠道已收 \(amount.yuanString) 元，HIS 未记账（长款）", "补记 HIS 订单；如未提供服务，给患者退款")
        case (.zh, false): ("渠道已退 \(amount.yuanString) 元，HIS 未记账（长款）", "在 HIS 补记这笔退款")
        case (.en, true): ("the channel took \(amount) that the HIS has not booked", "complete the HIS order, or refund the patient if no service was given")
        case (.en, false): ("the channel refunded \(amount) that the HIS has not booked", "book the refund in the HIS")
        }
    }

    func amountMismatch(his: Amount, channel: Amount) -> Sentence {
        let action = his < channel
            ? language.pick("把差额退给患者，或更正 HIS", "refund the patient the difference, or correct the HIS")
            : language.pick("到渠道查询并更正 HIS 金额", "query the channel and correct the HIS amount")
        return (language.pick("HIS 记 \(his.yuanString) 元，渠道 \(channel.yuanString) 元（金额不符）", "the HIS booked \(his), the channel \(channel)"), action)
    }

    func disputed(_ kind: StatementRecord.Kind, _ dispute: String) -> Sentence {
        language == .zh
            ? ("金额一致，但渠道自己的对账对这笔\(self.kind(kind))有异议：\(dispute)", "到渠道查询结算（医保 5203），更正有误的一方")
            : ("the amounts agree but the channel's own reconciliation disputes this \(kind): \(dispute)", "query the settlement on the channel (NHSA 5203) and correct whichever side is wrong")
    }

    func statusMismatch(_ kind: StatementRecord.Kind, hisStatus: String) -> Sentence {
        switch (language, kind == .payment) {
        case (.zh, true): ("渠道显示已收款，HIS 状态为 \(hisStatus)（状态不符）", "在 HIS 完成该订单")
        case (.zh, false): ("渠道显示已退款，HIS 状态为 \(hisStatus)（状态不符）", "在 HIS 把该退款标为完成")
        case (.en, true): ("the channel shows the payment done; the HIS has it \(hisStatus)", "complete the HIS order")
        case (.en, false): ("the channel shows the refund done; the HIS has it \(hisStatus)", "mark the refund done in the HIS")
        }
    }

    func channelDuplicate(_ kind: StatementRecord.Kind) -> Sentence {
        switch (language, kind == .payment) {
        case (.zh, true): ("渠道账单重复列出这笔收款", "到渠道查询；如患者重复支付，给患者退款")
        case (.zh, false): ("渠道账单重复列出这笔退款", "到渠道查询重复的退款")
        case (.en, true): ("the channel lists this payment twice", "query the channel; refund the patient if they paid twice")
        case (.en, false): ("the channel lists this refund twice", "query the channel about the repeated refund")
        }
    }

    func closed(_ kind: StatementRecord.Kind, status: String) -> Sentence {
        language == .zh
            ? ("HIS 中这笔\(self.kind(kind))为 \(status)，渠道账单没有：未发生资金变动", "无需处理")
            : ("the HIS has this \(kind) \(status) and no statement shows it: no money moved", "none")
    }

    func hisCarried(_ kind: StatementRecord.Kind) -> Sentence {
        language == .zh
            ? ("HIS 这笔\(self.kind(kind))记于午夜前后，转入次日对账（跨日）", "今日无需处理：次日对平")
            : ("the HIS booked this \(kind) near midnight: carried to the next day's reconciliation", "none today: it is matched tomorrow")
    }

    func hisOnly(_ kind: StatementRecord.Kind, _ amount: Amount, channel: ChannelID) -> Sentence {
        switch (language, kind == .payment) {
        case (.zh, true): ("HIS 记了 \(amount.yuanString) 元，\(channel) 账单没有（短款）", "到渠道查询；如款项未到，撤销 HIS 记账")
        case (.zh, false): ("HIS 记了 \(amount.yuanString) 元，\(channel) 账单没有（短款）", "到渠道查询该退款")
        case (.en, true): ("the HIS booked \(amount) that the \(channel) statement does not show", "query the channel; if the payment never arrived, cancel the HIS booking")
        case (.en, false): ("the HIS booked \(amount) that the \(channel) statement does not show", "query the refund on the channel")
        }
    }

    func settlementLeg(_ settlement: String, matched: Int) -> String {
        language.pick("；属于合并结算 \(settlement)，其余 \(matched) 笔已对平", "; leg of combined settlement \(settlement), \(matched) other leg(s) matched")
    }
}
