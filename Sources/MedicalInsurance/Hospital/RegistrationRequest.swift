import Foundation
import HISPayCore

/// The input of 2201 outpatient registration (门诊挂号), field for field as public hospital-side code
/// carries the national table (binzhe12123/Medical `SY.Com.Medical.Model/SYB/YBJS/GH2201.cs`): all
/// required but `card_sn`, which a social-security card needs.
public struct RegistrationRequest: Sendable, Hashable {
    /// `psn_no`, from 1101.
    public var personID: String
    /// `insutype`, e.g. `310` 职工基本医疗保险.
    public var insuranceType: String
    /// `begntime`: when the patient registered.
    public var beginTime: Date
    public var certificate: MedicalCertificate
    /// `ipt_otp_no`: the hospital's own outpatient number, unique within it.
    public var outpatientNumber: String
    /// `atddr_no` / `dr_name`: the doctor seen.
    public var doctorCode: String
    public var doctorName: String
    /// `dept_code` / `dept_name`.
    public var departmentCode: String
    public var departmentName: String
    /// `caty`: the department's specialty (科别) code.
    public var specialty: String

    public init(
        personID: String, insuranceType: String, beginTime: Date, certificate: MedicalCertificate, outpatientNumber: String, doctorCode: String,
        doctorName: String, departmentCode: String, departmentName: String, specialty: String
    ) {
        self.personID = personID
        self.insuranceType = insuranceType
        self.beginTime = beginTime
        self.certificate = certificate
        self.outpatientNumber = outpatientNumber
        self.doctorCode = doctorCode
        self.doctorName = doctorName
        self.departmentCode = departmentCode
        self.departmentName = departmentName
        self.specialty = specialty
    }

    func input(in region: NHSARegion) throws(ChannelError) -> ConfigValue {
        try certificate.validate()
        try RequiredFields.check("2201", [
            "psn_no": personID, "insutype": insuranceType, "ipt_otp_no": outpatientNumber, "atddr_no": doctorCode, "dr_name": doctorName,
            "dept_code": departmentCode, "dept_name": departmentName, "caty": specialty,
        ])
        var data: [String: ConfigValue] = [
            "psn_no": .string(personID), "insutype": .string(insuranceType), "begntime": .string(BeijingTime.format(beginTime)),
            "mdtrt_cert_type": .string(certificate.type(in: region)), "mdtrt_cert_no": .string(certificate.number),
            "ipt_otp_no": .string(outpatientNumber), "atddr_no": .string(doctorCode), "dr_name": .string(doctorName),
            "dept_code": .string(departmentCode), "dept_name": .string(departmentName), "caty": .string(specialty),
        ]
        if let serial = certificate.cardSerial { data["card_sn"] = .string(serial) }
        return .object(["data": .object(data)])
    }
}
