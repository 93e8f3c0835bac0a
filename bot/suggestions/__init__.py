"""The product suggestion capability (产品推荐): eligible products for a customer, with reasons,
never one the customer may not buy.

* eligibility — the hard suitability rules (适当性);
* matching — which products the words of a message mean;
* facts — what the database says of customers and products, as the ranking reads it;
* similar_customers — the model of what similar customers hold, learnt and stored;
* ranking — the score of each eligible product and its reasons;
* request — what a suggestion message asks for;
* service — the use cases (SuggestionService), each in one unit of work;
* results — what the use cases return (plain dataclasses);
* replies — its Chinese text (the rules' reasons are worded in eligibility, by each rule).
"""
