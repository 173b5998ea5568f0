package contract

// Request bodies of the contract with their rules as `binding` tags (go-playground/validator,
// Gin's convention; `nonul` on every string stored in PostgreSQL). Pointers mark numbers that
// are required but may be 0.

// NewUser is the body of POST /users.
type NewUser struct {
	Name  string `json:"name" binding:"required,min=1,max=100,nonul"`
	Email string `json:"email" binding:"required,max=254,email,nonul"`
}

// NewBulkItem is one item of POST /db/bulk/insert.
type NewBulkItem struct {
	Sku      string `json:"sku" binding:"required,min=1,max=64,nonul"`
	Name     string `json:"name" binding:"required,min=1,max=200,nonul"`
	Quantity *Int32 `json:"quantity" binding:"required,min=0"`
	Price    string `json:"price" binding:"required,price"`
}

// BulkInsertBody is the body of POST /db/bulk/insert.
type BulkInsertBody struct {
	Items []NewBulkItem `json:"items" binding:"required,min=1,max=5000,dive"`
}

// BulkUpdate is one entry of POST /db/bulk/update.
type BulkUpdate struct {
	Sku      string `json:"sku" binding:"required,min=1,max=64,nonul"`
	Quantity *Int32 `json:"quantity" binding:"required,min=0"`
}

// BulkUpdateBody is the body of POST /db/bulk/update.
type BulkUpdateBody struct {
	Updates []BulkUpdate `json:"updates" binding:"required,min=1,max=5000,dive"`
}

// DecrementBody is the body of POST /db/products/{id}/decrement.
type DecrementBody struct {
	Quantity *Int32 `json:"quantity" binding:"required,min=1"`
}

// Health is the body of GET /health.
type Health struct {
	Status string `json:"status"`
}

// Protected is the body of GET /protected.
type Protected struct {
	Subject string `json:"subject"`
	Logged  int    `json:"logged"`
}

// UserRename is the body of PATCH /cache/users/{id}. `nonul`: the name is stored in PostgreSQL.
type UserRename struct {
	Name string `json:"name" binding:"required,min=1,max=100,nonul"`
}

// CacheWarm is the body of POST /cache/users/warm.
type CacheWarm struct {
	From  *Int32 `json:"from" binding:"required,min=1"`
	Count *Int32 `json:"count" binding:"required,min=1,max=10000"`
}

// Login is the body of both logins of scenario 16. The email is only compared, never stored:
// one with U+0000 matches no account (checked before it reaches PostgreSQL).
type Login struct {
	Email    string `json:"email" binding:"required,min=1,max=254"`
	Password string `json:"password" binding:"required,min=1,max=128"`
}

// PostRetitle is the body of PATCH /flow/posts/{id}. `nonul`: the title is stored in PostgreSQL.
type PostRetitle struct {
	Title string `json:"title" binding:"required,min=1,max=200,nonul"`
}
