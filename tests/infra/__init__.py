"""The infrastructure templates: Bicep and Terraform parsed, checked against the code, run through checkov."""
