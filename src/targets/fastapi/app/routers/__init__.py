"""One router per area of the contract, each with lab_contract's ``ContractRoute`` (strict
JSON, body limits) as its route class."""
