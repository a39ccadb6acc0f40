import HISPayCore

/// Every sentence the reconciliation writes about a row — what happened and what to do — in the
/// report's language.
struct ReconciliationText: Sendable {
    let language: ReportLanguage

    typealias Sentence = (note: String, action: String)

    private func kind(_ kind: StatementRecord.Kind) -> String {
        guard language == .zh else { return kind == .freeze ? "pre-authorisation freeze" : kind == .release ? "pre-authorisation release" : kind.name }
        return switch kind {
        case .payment: "收款"
        case .refund: "退款"
        case .freeze: "预授权冻结"
        case .release: "预授权撤销"
        default: kind.name
        }
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
        if kind == .freeze {
            return language == .zh
                ? ("渠道冻结了患者 \(amount.yuanString) 元（预授权），HIS 没有这笔预授权", "核实患者押金：如无对应业务，到渠道撤销该预授权，解冻患者资金")
                : ("the channel holds \(amount) of the patient's funds (pre-authorisation) that the HIS does not know", "check the patient's deposit; if there is none, release the authorisation on the channel")
        }
        if kind == .release {
            return language == .zh
                ? ("渠道撤销了 \(amount.yuanString) 元预授权，HIS 没有记", "在 HIS 记下该预授权已撤销，不再从中扣款")
                : ("the channel released a \(amount) pre-authorisation the HIS has not recorded", "record the release in the HIS; nothing can be captured from it any more")
        }
        return switch (language, kind == .payment) {
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
        if kind.isAuthorization {
            return language == .zh
                ? ("渠道显示这笔\(self.kind(kind))已生效，HIS 状态为 \(hisStatus)（状态不符）", "在 HIS 更新该预授权的状态")
                : ("the channel shows this \(self.kind(kind)) done; the HIS has it \(hisStatus)", "update the authorisation's state in the HIS")
        }
        return switch (language, kind == .payment) {
        case (.zh, true): ("渠道显示已收款，HIS 状态为 \(hisStatus)（状态不符）", "在 HIS 完成该订单")
        case (.zh, false): ("渠道显示已退款，HIS 状态为 \(hisStatus)（状态不符）", "在 HIS 把该退款标为完成")
        case (.en, true): ("the channel shows the payment done; the HIS has it \(hisStatus)", "complete the HIS order")
        case (.en, false): ("the channel shows the refund done; the HIS has it \(hisStatus)", "mark the refund done in the HIS")
        }
    }

    func channelDuplicate(_ kind: StatementRecord.Kind) -> Sentence {
        if kind.isAuthorization {
            return language == .zh
                ? ("渠道账单重复列出这笔\(self.kind(kind))", "到渠道查询该预授权")
                : ("the channel lists this \(self.kind(kind)) twice", "query the authorisation on the channel")
        }
        return switch (language, kind == .payment) {
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

    func authorization(_ kind: StatementRecord.Kind) -> Sentence {
        language == .zh
            ? ("HIS 的这笔\(self.kind(kind))未动账，渠道账单未列出（预授权只冻结或解冻患者资金，完成时才收款）", "无需处理：预授权完成的收款单独对账")
            : ("the HIS's \(self.kind(kind)) moved no money and the statement does not list it (an authorisation only holds or gives back funds; its capture is the payment)", "none: the capture is reconciled as a payment")
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
