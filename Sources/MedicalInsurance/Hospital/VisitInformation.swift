import Foundation
import HISPayCore

/// The input of 2203 outpatient visit information upload (门诊就诊信息上传): the visit (`mdtrtinfo`)
/// and its diagnoses (`diseinfo`), as public hospital-side code carries the national table
/// (binzhe12123/Medical `SY.Com.Medical.Model/SYB/YBJS/ZJ2203.cs`).
public struct VisitInformation: Sendable, Hashable {
    /// One diagnosis (`diseinfo` row); every field required.
    public struct Diagnosis: Sendable, Hashable {
        /// `diag_type`: 1 西医诊断, 2 中医主病诊断, 3 中医主证诊断.
        public var type: String
        /// `diag_srt_no`: 1 for the main diagnosis.
        public var order: Int
        public var code: String
        public var name: String
        public var department: String
        public var doctorCode: String
        public var doctorName: String
        public var time: Date
        /// `vali_flag`.
        public var isValid: Bool

        public init(type: String = "1", order: Int, code: String, name: String, department: String, doctorCode: String, doctorName: String, time: Date, isValid: Bool = true) {
            self.type = type
            self.order = order
            self.code = code
            self.name = name
            self.department = department
            self.doctorCode = doctorCode
            self.doctorName = doctorName
            self.time = time
            self.isValid = isValid
        }
    }

    /// `mdtrt_id`, from 2201.
    public var visitID: String
    public var personID: String
    /// `med_type`: `11` 普通门诊, `14` 门诊慢特病, …
    public var medicalType: String
    public var beginTime: Date
    /// `main_cond_dscr`, optional.
    public var mainCondition: String?
    public var diagnoses: [Diagnosis]

    public init(visitID: String, personID: String, medicalType: String = "11", beginTime: Date, mainCondition: String? = nil, diagnoses: [Diagnosis]) {
        self.visitID = visitID
        self.personID = personID
        self.medicalType = medicalType
        self.beginTime = beginTime
        self.mainCondition = mainCondition
        self.diagnoses = diagnoses
    }

    var input: ConfigValue {
        get throws(ChannelError) {
            try RequiredFields.check("2203", ["mdtrt_id": visitID, "psn_no": personID, "med_type": medicalType])
            guard !diagnoses.isEmpty else { throw ChannelError(.invalidRequest, channel: .insurance, reason: "2203 requires diseinfo (at least one diagnosis)") }
            var info: [String: ConfigValue] = [
                "mdtrt_id": .string(visitID), "psn_no": .string(personID), "med_type": .string(medicalType), "begntime": .string(BeijingTime.format(beginTime)),
            ]
            if let mainCondition { info["main_cond_dscr"] = .string(mainCondition) }
            var rows: [ConfigValue] = []
            for diagnosis in diagnoses {
                try RequiredFields.check("2203", [
                    "diag_type": diagnosis.type, "diag_code": diagnosis.code, "diag_name": diagnosis.name, "diag_dept": diagnosis.department,
                    "dise_dor_no": diagnosis.doctorCode, "dise_dor_name": diagnosis.doctorName,
                ])
                rows.append(.object([
                    "diag_type": .string(diagnosis.type), "diag_srt_no": .number(String(diagnosis.order)), "diag_code": .string(diagnosis.code),
                    "diag_name": .string(diagnosis.name), "diag_dept": .string(diagnosis.department), "dise_dor_no": .string(diagnosis.doctorCode),
                    "dise_dor_name": .string(diagnosis.doctorName), "diag_time": .string(BeijingTime.format(diagnosis.time)),
                    "vali_flag": .string(diagnosis.isValid ? "1" : "0"),
                ]))
            }
            return .object(["mdtrtinfo": .object(info), "diseinfo": .array(rows)])
        }
    }
}
